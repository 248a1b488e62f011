#!/usr/bin/env ruby
# An echo node that, like Maelstrom's own Ruby node library, answers a message that reaches it
# before init completes with "src": null: n0 greets every peer as soon as it is initialised, and a
# peer still waiting for init answers with no src of its own. To make the race certain rather than
# timing-dependent, every node other than n0 prints that reply once, during its own init, before
# init_ok. Maelstrom logs such a line and drops it; the verdict must be the echo history's.
require 'json'

$stdout.sync = true
node_id = nil

def emit(h)
  $stdout.puts(JSON.generate(h))
end

$stdin.each_line do |line|
  msg = JSON.parse(line)
  body = msg['body']
  case body['type']
  when 'init'
    node_id = body['node_id']
    # The reply a node sends before it knows its own id: src is null.
    emit({ 'src' => nil, 'dest' => 'n0', 'body' => { 'type' => 'hello_ok', 'in_reply_to' => 1 } }) if node_id != 'n0'
    emit({ 'src' => node_id, 'dest' => msg['src'], 'body' => { 'type' => 'init_ok', 'in_reply_to' => body['msg_id'] } })
  when 'echo'
    emit({ 'src' => node_id, 'dest' => msg['src'], 'body' => { 'type' => 'echo_ok', 'in_reply_to' => body['msg_id'], 'echo' => body['echo'] } })
  end
end
