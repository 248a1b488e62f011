// Gossip Glomers 5b: a multi-node kafka on lin-kv. A key's next offset is a counter in lin-kv,
// claimed by compare-and-swap; the message goes to "msg-<key>-<offset>"; a poll reads offsets from
// where it was asked until the first that is not (yet) written; committed offsets are in lin-kv too.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	maelstrom "github.com/jepsen-io/maelstrom/demo/go"
)

func main() {
	n := maelstrom.NewNode()
	kv := maelstrom.NewLinKV(n)
	ctx := func() (context.Context, context.CancelFunc) { return context.WithTimeout(context.Background(), time.Second) }

	n.Handle("send", func(msg maelstrom.Message) error {
		var body struct {
			Key string `json:"key"`
			Msg any    `json:"msg"`
		}
		if err := json.Unmarshal(msg.Body, &body); err != nil {
			return err
		}
		for {
			c, cancel := ctx()
			next, err := kv.ReadInt(c, "next-"+body.Key)
			if maelstrom.ErrorCode(err) == maelstrom.KeyDoesNotExist {
				next, err = 0, nil
			}
			if err == nil {
				err = kv.CompareAndSwap(c, "next-"+body.Key, next, next+1, true)
			}
			if err == nil {
				err = kv.Write(c, fmt.Sprintf("msg-%s-%d", body.Key, next), body.Msg)
				cancel()
				if err != nil {
					return err
				}
				return n.Reply(msg, map[string]any{"type": "send_ok", "offset": next})
			}
			cancel()
		}
	})

	n.Handle("poll", func(msg maelstrom.Message) error {
		var body struct {
			Offsets map[string]int `json:"offsets"`
		}
		if err := json.Unmarshal(msg.Body, &body); err != nil {
			return err
		}
		out := map[string][][2]any{}
		for k, from := range body.Offsets {
			var got [][2]any
			for o := from; o < from+10; o++ {
				c, cancel := ctx()
				v, err := kv.Read(c, fmt.Sprintf("msg-%s-%d", k, o))
				cancel()
				if err != nil {
					break
				}
				got = append(got, [2]any{o, v})
			}
			out[k] = got
		}
		return n.Reply(msg, map[string]any{"type": "poll_ok", "msgs": out})
	})

	n.Handle("commit_offsets", func(msg maelstrom.Message) error {
		var body struct {
			Offsets map[string]int `json:"offsets"`
		}
		if err := json.Unmarshal(msg.Body, &body); err != nil {
			return err
		}
		for k, o := range body.Offsets {
			c, cancel := ctx()
			err := kv.Write(c, "committed-"+k, o)
			cancel()
			if err != nil {
				return err
			}
		}
		return n.Reply(msg, map[string]any{"type": "commit_offsets_ok"})
	})

	n.Handle("list_committed_offsets", func(msg maelstrom.Message) error {
		var body struct {
			Keys []string `json:"keys"`
		}
		if err := json.Unmarshal(msg.Body, &body); err != nil {
			return err
		}
		out := map[string]int{}
		for _, k := range body.Keys {
			c, cancel := ctx()
			v, err := kv.ReadInt(c, "committed-"+k)
			cancel()
			if err == nil {
				out[k] = v
			}
		}
		return n.Reply(msg, map[string]any{"type": "list_committed_offsets_ok", "offsets": out})
	})

	if err := n.Run(); err != nil {
		log.Fatal(err)
	}
}
