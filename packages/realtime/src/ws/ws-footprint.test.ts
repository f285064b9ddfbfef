import { EventEmitter, errorMonitor } from 'node:events';
import { describe, expect, it } from 'vitest';
import { compactListenerTable } from './ws-footprint.ts';

describe('compactListenerTable', () => {
  it('keeps every listener (symbols too) and the emitter working: on, once, off, emit', () => {
    const emitter = new EventEmitter();
    const heard: string[] = [];
    const onMessage = (text: string) => heard.push(`message ${text}`);
    emitter.on('message', onMessage);
    emitter.on('close', () => heard.push('close 1'));
    emitter.on('close', () => heard.push('close 2'));
    emitter.on(errorMonitor, () => heard.push('monitor'));
    emitter.on('error', () => heard.push('error'));
    compactListenerTable(emitter);
    emitter.once('ping', () => heard.push('ping'));
    emitter.emit('message', 'a');
    emitter.emit('ping');
    emitter.emit('ping');
    emitter.emit('pong'); // none: nothing happens
    emitter.emit('error', new Error('x'));
    emitter.off('message', onMessage);
    emitter.emit('message', 'b');
    emitter.emit('close');
    expect(heard).toEqual(['message a', 'ping', 'monitor', 'error', 'close 1', 'close 2']);
    expect([emitter.listenerCount('message'), emitter.listenerCount('close')]).toEqual([0, 2]);
  });
});
