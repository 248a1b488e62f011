// Package maelstrom is Faultline's own copy of the API of Maelstrom's Go library
// (github.com/jepsen-io/maelstrom/demo/go): a Gossip Glomers solution written against that library
// builds offline against this module with one line in its go.mod,
//
//	replace github.com/jepsen-io/maelstrom/demo/go => /path/to/faultline/maelstrom-go
//
// and runs unmodified under `faultline run --target maelstrom`. Same names, same signatures, same
// behaviour on the wire (written from the library's documented API; no code of it is copied).
package maelstrom

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"sync"
)

// Node is one Maelstrom node: it reads messages from stdin, dispatches them to handlers and writes
// messages to stdout.
type Node struct {
	mu sync.Mutex
	wg sync.WaitGroup

	id      string
	nodeIDs []string

	handlers  map[string]HandlerFunc
	callbacks map[int]HandlerFunc
	nextMsgID int

	// Stdin is for reading messages in from the Maelstrom network.
	Stdin io.Reader
	// Stdout is for writing messages out to the Maelstrom network.
	Stdout io.Writer
}

// NewNode returns a new Node reading stdin and writing stdout.
func NewNode() *Node {
	return &Node{
		handlers:  make(map[string]HandlerFunc),
		callbacks: make(map[int]HandlerFunc),
		Stdin:     os.Stdin,
		Stdout:    os.Stdout,
	}
}

// Init sets the node's id and the ids of every node in the cluster (done by the init message).
func (n *Node) Init(id string, nodeIDs []string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.id = id
	n.nodeIDs = nodeIDs
}

// ID returns the node's id, or "" before init.
func (n *Node) ID() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.id
}

// NodeIDs returns the ids of every node in the cluster, this one included.
func (n *Node) NodeIDs() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.nodeIDs
}

// HandlerFunc handles one message; an error it returns is sent back to the sender as an error reply.
type HandlerFunc func(msg Message) error

// Handle registers the handler of one message type. It panics when the type already has one.
func (n *Node) Handle(typ string, fn HandlerFunc) {
	if _, ok := n.handlers[typ]; ok {
		panic(fmt.Sprintf("duplicate message handler for %q message type", typ))
	}
	n.handlers[typ] = fn
}

// Run reads messages until stdin closes, handling each in its own goroutine, and waits for the
// handlers still running before it returns.
func (n *Node) Run() error {
	scanner := bufio.NewScanner(n.Stdin)
	scanner.Buffer(make([]byte, 0, 1<<16), 1<<28)
	for scanner.Scan() {
		line := scanner.Bytes()
		var msg Message
		if err := json.Unmarshal(line, &msg); err != nil {
			return fmt.Errorf("unmarshal message: %w", err)
		}
		var body MessageBody
		if err := json.Unmarshal(msg.Body, &body); err != nil {
			return fmt.Errorf("unmarshal message body: %w", err)
		}
		log.Printf("Received %s", line)

		// A reply: its callback, if the request is still waiting.
		if body.InReplyTo != 0 {
			n.mu.Lock()
			h := n.callbacks[body.InReplyTo]
			delete(n.callbacks, body.InReplyTo)
			n.mu.Unlock()
			if h == nil {
				log.Printf("Ignoring reply to %d with no callback", body.InReplyTo)
				continue
			}
			n.wg.Add(1)
			go func() {
				defer n.wg.Done()
				n.handleCallback(h, msg)
			}()
			continue
		}

		var h HandlerFunc
		if body.Type == "init" {
			h = n.handleInitMessage
		} else if h = n.handlers[body.Type]; h == nil {
			return fmt.Errorf("No handler for %s", line)
		}
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			n.handleMessage(h, msg)
		}()
	}
	if err := scanner.Err(); err != nil {
		return err
	}
	n.wg.Wait()
	return nil
}

func (n *Node) handleCallback(h HandlerFunc, msg Message) {
	if err := h(msg); err != nil {
		log.Printf("callback error: %s", err)
	}
}

func (n *Node) handleMessage(h HandlerFunc, msg Message) {
	if err := h(msg); err != nil {
		var rpcErr *RPCError
		if errors.As(err, &rpcErr) {
			if err := n.Reply(msg, rpcErr); err != nil {
				log.Printf("reply error: %s", err)
			}
			return
		}
		log.Printf("Exception handling %#v:\n%s", msg, err)
		if err := n.Reply(msg, NewRPCError(Crash, err.Error())); err != nil {
			log.Printf("reply error: %s", err)
		}
	}
}

func (n *Node) handleInitMessage(msg Message) error {
	var body InitMessageBody
	if err := json.Unmarshal(msg.Body, &body); err != nil {
		return fmt.Errorf("unmarshal init message body: %w", err)
	}
	n.Init(body.NodeID, body.NodeIDs)
	// The user's own init handler, if any, runs first.
	if h := n.handlers["init"]; h != nil {
		if err := h(msg); err != nil {
			return err
		}
	}
	log.Printf("Node %s initialized", n.ID())
	return n.Reply(msg, MessageBody{Type: "init_ok"})
}

// Reply sends body to the sender of req, with in_reply_to set to req's msg_id.
func (n *Node) Reply(req Message, body any) error {
	var reqBody MessageBody
	if err := json.Unmarshal(req.Body, &reqBody); err != nil {
		return err
	}
	b := make(map[string]any)
	if buf, err := json.Marshal(body); err != nil {
		return err
	} else if err := unmarshalNumbers(buf, &b); err != nil {
		return err
	}
	b["in_reply_to"] = reqBody.MsgID
	return n.Send(req.Src, b)
}

// Send sends body to dest, fire and forget.
func (n *Node) Send(dest string, body any) error {
	bodyJSON, err := json.Marshal(body)
	if err != nil {
		return err
	}
	buf, err := json.Marshal(Message{Src: n.ID(), Dest: dest, Body: bodyJSON})
	if err != nil {
		return err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	log.Printf("Sent %s", buf)
	if _, err = n.Stdout.Write(append(buf, '\n')); err != nil {
		return err
	}
	return nil
}

// RPC sends body to dest with a fresh msg_id and calls handler with the reply, when one comes.
func (n *Node) RPC(dest string, body any, handler HandlerFunc) error {
	n.mu.Lock()
	n.nextMsgID++
	msgID := n.nextMsgID
	n.callbacks[msgID] = handler
	n.mu.Unlock()

	b := make(map[string]any)
	if buf, err := json.Marshal(body); err != nil {
		return err
	} else if err := unmarshalNumbers(buf, &b); err != nil {
		return err
	}
	b["msg_id"] = msgID
	return n.Send(dest, b)
}

// SyncRPC sends body to dest and waits for the reply or for ctx to end. An error reply is returned
// as an *RPCError.
func (n *Node) SyncRPC(ctx context.Context, dest string, body any) (Message, error) {
	respCh := make(chan Message, 1)
	if err := n.RPC(dest, body, func(m Message) error {
		respCh <- m
		return nil
	}); err != nil {
		return Message{}, err
	}
	select {
	case <-ctx.Done():
		return Message{}, ctx.Err()
	case m := <-respCh:
		if err := m.RPCError(); err != nil {
			return m, err
		}
		return m, nil
	}
}

// unmarshalNumbers decodes JSON keeping numbers as json.Number, so 64-bit integers stay exact.
func unmarshalNumbers(buf []byte, v any) error {
	dec := json.NewDecoder(bytesReader(buf))
	dec.UseNumber()
	return dec.Decode(v)
}

// Message is one message on the Maelstrom network; its body stays raw until a handler decodes it.
type Message struct {
	Src  string          `json:"src,omitempty"`
	Dest string          `json:"dest,omitempty"`
	Body json.RawMessage `json:"body,omitempty"`
}

// Type returns the body's "type", or "" when it cannot be read.
func (m *Message) Type() string {
	var body MessageBody
	if err := json.Unmarshal(m.Body, &body); err != nil {
		return ""
	}
	return body.Type
}

// RPCError returns the error a reply carries, or nil when it is not an error reply.
func (m *Message) RPCError() error {
	var body MessageBody
	if err := json.Unmarshal(m.Body, &body); err != nil {
		return err
	}
	if body.Type != "error" {
		return nil
	}
	return NewRPCError(body.Code, body.Text)
}

// MessageBody holds the fields every message body may have.
type MessageBody struct {
	// Message type.
	Type string `json:"type,omitempty"`
	// Optional. Message identifier that is unique to the source node.
	MsgID int `json:"msg_id,omitempty"`
	// Optional. For request/response, the msg_id of the request.
	InReplyTo int `json:"in_reply_to,omitempty"`
	// Error code, if an error occurred.
	Code int `json:"code,omitempty"`
	// Error message, if an error occurred.
	Text string `json:"text,omitempty"`
}

// InitMessageBody is the body of the init message.
type InitMessageBody struct {
	MessageBody
	NodeID  string   `json:"node_id,omitempty"`
	NodeIDs []string `json:"node_ids,omitempty"`
}
