import { describe, expect, it, vi } from 'vitest';
import { createEmitter } from './emitter.ts';

describe('createEmitter', () => {
  it('replays the current consent to late ready/change subscribers only after ready', () => {
    let current = { analytics: false };
    const e = createEmitter(() => current);
    const early = vi.fn();
    e.on('change', early);
    expect(early).not.toHaveBeenCalled();
    e.emit('ready', current);
    current = { analytics: true };
    const late = vi.fn();
    e.on('ready', late);
    expect(late).toHaveBeenCalledWith({ analytics: true });
    const shown = vi.fn();
    e.on('shown', shown);
    expect(shown).not.toHaveBeenCalled();
  });

  it('a throwing listener does not stop the others', () => {
    const e = createEmitter(() => ({}));
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const second = vi.fn();
    e.on('shown', () => {
      throw new Error('boom');
    });
    e.on('shown', second);
    e.emit('shown', 'banner');
    expect(second).toHaveBeenCalledWith('banner');
    spy.mockRestore();
  });

  it('unsubscribes', () => {
    const e = createEmitter(() => ({}));
    const cb = vi.fn();
    const off = e.on('error', cb);
    off();
    e.emit('error', new Error('x'));
    expect(cb).not.toHaveBeenCalled();
  });
});
