// Gossip Glomers 3b/3c: broadcast with gossip to the topology's neighbours, retried until each
// neighbour acknowledges. The seen messages are a nil slice until the first broadcast, so a read
// before it answers "messages": null, as Go marshals a nil slice — Maelstrom takes that as empty.
package main

import (
	"context"
	"encoding/json"
	"log"
	"sync"
	"time"

	maelstrom "github.com/jepsen-io/maelstrom/demo/go"
)

func main() {
	n := maelstrom.NewNode()
	var mu sync.Mutex
	var messages []int
	seen := map[int]bool{}
	var neighbours []string

	gossip := func(dest string, m int) {
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			_, err := n.SyncRPC(ctx, dest, map[string]any{"type": "broadcast", "message": m})
			cancel()
			if err == nil {
				return
			}
		}
	}

	n.Handle("broadcast", func(msg maelstrom.Message) error {
		var body struct {
			Message int `json:"message"`
		}
		if err := json.Unmarshal(msg.Body, &body); err != nil {
			return err
		}
		mu.Lock()
		fresh := !seen[body.Message]
		if fresh {
			seen[body.Message] = true
			messages = append(messages, body.Message)
		}
		targets := append([]string(nil), neighbours...)
		mu.Unlock()
		if fresh {
			for _, dest := range targets {
				if dest != msg.Src {
					go gossip(dest, body.Message)
				}
			}
		}
		return n.Reply(msg, map[string]any{"type": "broadcast_ok"})
	})

	n.Handle("read", func(msg maelstrom.Message) error {
		mu.Lock()
		out := messages // nil before the first broadcast: marshals as null
		if out != nil {
			out = append([]int(nil), messages...)
		}
		mu.Unlock()
		return n.Reply(msg, map[string]any{"type": "read_ok", "messages": out})
	})

	n.Handle("topology", func(msg maelstrom.Message) error {
		var body struct {
			Topology map[string][]string `json:"topology"`
		}
		if err := json.Unmarshal(msg.Body, &body); err != nil {
			return err
		}
		mu.Lock()
		neighbours = body.Topology[n.ID()]
		mu.Unlock()
		return n.Reply(msg, map[string]any{"type": "topology_ok"})
	})

	if err := n.Run(); err != nil {
		log.Fatal(err)
	}
}
