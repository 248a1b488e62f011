module faultline.test/echo

go 1.19

require github.com/jepsen-io/maelstrom/demo/go v0.0.0-20230120214458-d2d3b8bcc1fd

replace github.com/jepsen-io/maelstrom/demo/go => ../../../../maelstrom-go
