/**
 * The raw relay process: `node --import tsx relay-main.ts <port>`. Every binary frame a
 * socket sends goes unchanged to the other sockets of the same path. No Yjs, no storage,
 * no handshake: what a Node WebSocket fan-out costs by itself.
 */
import { createServer } from 'node:http'
import { WebSocketServer, type WebSocket } from 'ws'

const port = Number(process.argv[2])
if (!Number.isInteger(port)) throw new Error('usage: relay-main.ts <port>')

const rooms = new Map<string, Set<WebSocket>>()
const http = createServer((_request, response) => response.end('relay'))
const wss = new WebSocketServer({ server: http, perMessageDeflate: false })

wss.on('connection', (socket, request) => {
  const path = request.url ?? '/'
  let room = rooms.get(path)
  if (!room) {
    room = new Set()
    rooms.set(path, room)
  }
  const peers = room
  peers.add(socket)
  socket.on('message', (data, isBinary) => {
    for (const peer of peers) if (peer !== socket) peer.send(data, { binary: isBinary })
  })
  socket.on('close', () => {
    peers.delete(socket)
    if (peers.size === 0) rooms.delete(path)
  })
})

http.listen(port, '127.0.0.1')
process.on('SIGTERM', () => process.exit(0))
