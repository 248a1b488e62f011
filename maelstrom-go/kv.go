package maelstrom

import (
	"context"
	"encoding/json"
	"fmt"
)

// The names of Maelstrom's KV services.
const (
	LinKV = "lin-kv"
	SeqKV = "seq-kv"
	LWWKV = "lww-kv"
)

// KV is a client of one of Maelstrom's key/value services.
type KV struct {
	typ  string
	node *Node
}

// NewKV returns a client of the service typ (LinKV, SeqKV or LWWKV) that sends through node.
func NewKV(typ string, node *Node) *KV {
	return &KV{typ: typ, node: node}
}

// NewLinKV returns a client of the linearizable store.
func NewLinKV(node *Node) *KV { return NewKV(LinKV, node) }

// NewSeqKV returns a client of the sequentially consistent store.
func NewSeqKV(node *Node) *KV { return NewKV(SeqKV, node) }

// NewLWWKV returns a client of the last-write-wins store.
func NewLWWKV(node *Node) *KV { return NewKV(LWWKV, node) }

// Read returns the value of key; a missing key is an *RPCError with KeyDoesNotExist.
func (kv *KV) Read(ctx context.Context, key string) (any, error) {
	resp, err := kv.node.SyncRPC(ctx, kv.typ, readMessageBody{MessageBody: MessageBody{Type: "read"}, Key: key})
	if err != nil {
		return nil, err
	}
	var body readOKMessageBody
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return nil, err
	}
	return body.Value, nil
}

// ReadInt reads the value of key as an int.
func (kv *KV) ReadInt(ctx context.Context, key string) (int, error) {
	v, err := kv.Read(ctx, key)
	if err != nil {
		return 0, err
	}
	switch x := v.(type) {
	case float64:
		return int(x), nil
	case int:
		return x, nil
	default:
		return 0, fmt.Errorf("cannot read %v (%T) as an int", v, v)
	}
}

// Write sets key to value.
func (kv *KV) Write(ctx context.Context, key string, value any) error {
	_, err := kv.node.SyncRPC(ctx, kv.typ, writeMessageBody{MessageBody: MessageBody{Type: "write"}, Key: key, Value: value})
	return err
}

// CompareAndSwap sets key to to if its value is from (PreconditionFailed otherwise); with
// createIfNotExists a missing key is created as to.
func (kv *KV) CompareAndSwap(ctx context.Context, key string, from, to any, createIfNotExists bool) error {
	_, err := kv.node.SyncRPC(ctx, kv.typ, casMessageBody{MessageBody: MessageBody{Type: "cas"}, Key: key, From: from, To: to, CreateIfNotExists: createIfNotExists})
	return err
}

type readMessageBody struct {
	MessageBody
	Key string `json:"key"`
}

type readOKMessageBody struct {
	MessageBody
	Value any `json:"value"`
}

type writeMessageBody struct {
	MessageBody
	Key   string `json:"key"`
	Value any    `json:"value"`
}

type casMessageBody struct {
	MessageBody
	Key               string `json:"key"`
	From              any    `json:"from"`
	To                any    `json:"to"`
	CreateIfNotExists bool   `json:"create_if_not_exists,omitempty"`
}
