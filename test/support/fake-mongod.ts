import { deserialize, serialize } from 'bson';
import type { Document } from 'bson';
import type { Socket } from 'node:net';
import type { TcpFixture } from './brokers';
import { serveTcp } from './brokers';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

/**
 * A stand-in for `mongod` on loopback, for a machine without MongoDB (Debian ships none): it
 * speaks only what a driver's connection and `{ ping: 1 }` need, the OP_QUERY handshake
 * (`isMaster` / `hello`) and OP_MSG commands, as a standalone server of wire version 21. Every
 * other command fails with `CommandNotFound`. `freeze(true)` swallows every request, as a hung
 * server would; `commands` lists what it was asked.
 */
export interface FakeMongod extends TcpFixture {
  readonly url: string;
  readonly commands: readonly string[];
  freeze(on: boolean): void;
}

export async function startFakeMongod(): Promise<FakeMongod> {
  let frozen = false;
  const commands: string[] = [];
  let nextId = 1;
  const fixture = await serveTcp((socket) => {
    let pending = Buffer.alloc(0);
    socket.on('data', (bytes: Buffer) => {
      pending = Buffer.concat([pending, bytes]);
      while (pending.length >= 16 && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(message.length);
        if (!frozen) answer(socket, message, nextId++, commands);
      }
    });
  });
  return Object.assign(fixture, {
    url: `mongodb://127.0.0.1:${fixture.port}/?directConnection=true`,
    commands,
    freeze: (on: boolean) => void (frozen = on),
  });
}

function answer(socket: Socket, message: Buffer, id: number, commands: string[]): void {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_QUERY) {
    let at = 20; // header, flags
    while (message[at] !== 0) at++; // full collection name
    const command = deserialize(message.subarray(at + 9)); // NUL, skip, return
    const body = Buffer.concat([
      int32(0),
      Buffer.alloc(8),
      int32(0),
      int32(1),
      reply(command, commands),
    ]);
    socket.write(Buffer.concat([header(16 + body.length, id, requestId, OP_REPLY), body]));
  } else if (opCode === OP_MSG && message[20] === 0) {
    const command = deserialize(message.subarray(21, 21 + message.readInt32LE(21)));
    const body = Buffer.concat([int32(0), Buffer.from([0]), reply(command, commands)]);
    socket.write(Buffer.concat([header(16 + body.length, id, requestId, OP_MSG), body]));
  } else {
    socket.destroy();
  }
}

function reply(command: Document, commands: string[]): Buffer {
  const name = Object.keys(command)[0] ?? '';
  commands.push(name);
  if (['hello', 'isMaster', 'ismaster'].includes(name)) {
    return Buffer.from(
      serialize({
        ismaster: true,
        isWritablePrimary: true,
        helloOk: true,
        maxBsonObjectSize: 16 * 1024 * 1024,
        maxMessageSizeBytes: 48_000_000,
        maxWriteBatchSize: 100_000,
        localTime: new Date(),
        logicalSessionTimeoutMinutes: 30,
        connectionId: 1,
        minWireVersion: 0,
        maxWireVersion: 21,
        ok: 1,
      }),
    );
  }
  if (name === 'ping' || name === 'endSessions') return Buffer.from(serialize({ ok: 1 }));
  return Buffer.from(serialize({ ok: 0, errmsg: `no such command: '${name}'`, code: 59 }));
}

function header(length: number, id: number, responseTo: number, opCode: number): Buffer {
  return Buffer.concat([int32(length), int32(id), int32(responseTo), int32(opCode)]);
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(value);
  return buffer;
}
