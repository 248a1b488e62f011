module github.com/jepsen-io/maelstrom/demo/go

go 1.19
