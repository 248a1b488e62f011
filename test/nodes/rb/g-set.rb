#!/usr/bin/env ruby
# A single-node grow-only set whose set is nil until the first add: a read before it answers
# "value": null, as a program whose empty collection is nil does. Maelstrom reads nil as empty.
require 'json'
require 'set'

$stdout.sync = true
node_id = nil
elements = nil

def emit(h)
  $stdout.puts(JSON.generate(h))
end

$stdin.each_line do |line|
  msg = JSON.parse(line)
  body = msg['body']
  reply = ->(b) { emit({ 'src' => node_id, 'dest' => msg['src'], 'body' => b.merge('in_reply_to' => body['msg_id']) }) }
  case body['type']
  when 'init'
    node_id = body['node_id']
    reply.call({ 'type' => 'init_ok' })
  when 'add'
    (elements ||= Set.new) << body['element']
    reply.call({ 'type' => 'add_ok' })
  when 'read'
    reply.call({ 'type' => 'read_ok', 'value' => elements&.to_a })
  end
end
