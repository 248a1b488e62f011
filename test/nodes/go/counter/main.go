// Gossip Glomers 4: a grow-only counter on seq-kv. One key; add is a read and a compare-and-swap,
// retried on a conflict; read makes its value current with a compare-and-swap of the value on
// itself (seq-kv may serve a stale read, but a cas is applied to the latest value).
package main

import (
	"context"
	"encoding/json"
	"log"
	"time"

	maelstrom "github.com/jepsen-io/maelstrom/demo/go"
)

const key = "counter"

func main() {
	n := maelstrom.NewNode()
	kv := maelstrom.NewSeqKV(n)

	current := func(ctx context.Context) (int, error) {
		v, err := kv.ReadInt(ctx, key)
		if maelstrom.ErrorCode(err) == maelstrom.KeyDoesNotExist {
			return 0, nil
		}
		return v, err
	}

	n.Handle("add", func(msg maelstrom.Message) error {
		var body struct {
			Delta int `json:"delta"`
		}
		if err := json.Unmarshal(msg.Body, &body); err != nil {
			return err
		}
		for {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			v, err := current(ctx)
			if err == nil {
				err = kv.CompareAndSwap(ctx, key, v, v+body.Delta, true)
			}
			cancel()
			if err == nil {
				return n.Reply(msg, map[string]any{"type": "add_ok"})
			}
		}
	})

	n.Handle("read", func(msg maelstrom.Message) error {
		for {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			v, err := current(ctx)
			if err == nil {
				err = kv.CompareAndSwap(ctx, key, v, v, true)
			}
			cancel()
			if err == nil {
				return n.Reply(msg, map[string]any{"type": "read_ok", "value": v})
			}
		}
	})

	if err := n.Run(); err != nil {
		log.Fatal(err)
	}
}
