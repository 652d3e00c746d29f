/**
 * Bounded lookups: `RecentMap` and `detached`.
 */
import { describe, expect, it } from '@jest/globals';
import { detached, RecentMap } from './recent.js';

describe('RecentMap', () => {
  it('forgets the oldest entries beyond its capacity, and says which', () => {
    const evicted: string[] = [];
    const m = new RecentMap<string, number>(2, (k) => evicted.push(k));
    m.set('a', 1).set('b', 2).set('c', 3);
    expect([...m.keys()]).toEqual(['b', 'c']);
    expect(m.get('a')).toBeUndefined();
    expect(evicted).toEqual(['a']);
  });

  it('behaves as a Map on a known key: the value changes, the place does not', () => {
    const m = new RecentMap<string, number>(2);
    m.set('a', 1).set('b', 2).set('a', 10).set('c', 3);
    // `a` was inserted first, so it goes first, even though it was set last.
    expect([...m]).toEqual([['b', 2], ['c', 3]]);
  });

  it('keeps a kept key whatever follows, in its place, including one set after `keep`', () => {
    const m = new RecentMap<string, number>(1);
    m.set('a', 1);
    m.keep('a');
    m.keep('later');
    m.set('b', 2).set('c', 3).set('later', 4).set('d', 5);
    expect([...m]).toEqual([['a', 1], ['later', 4], ['d', 5]]);
    expect(m.isKept('a')).toBe(true);
  });

  it('a released key is evictable again, as the newest entry', () => {
    const m = new RecentMap<string, number>(2);
    m.set('a', 1);
    m.keep('a');
    m.set('b', 2).set('c', 3);
    m.release('a');
    m.set('d', 4);
    expect([...m.keys()]).toEqual(['a', 'd']);
    m.set('e', 5);
    expect([...m.keys()]).toEqual(['d', 'e']);
  });

  it('a deleted key no longer counts against the capacity', () => {
    const m = new RecentMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    m.delete('a');
    m.set('c', 3);
    expect([...m.keys()]).toEqual(['b', 'c']);
  });

  it('evicts in insertion order through heavy churn of deletes, keeps and re-sets', () => {
    const m = new RecentMap<number, number>(3);
    for (let i = 0; i < 10_000; i++) {
      m.set(i, i);
      if (i % 3 === 0) m.delete(i);
      if (i % 7 === 0) m.keep(i);
      if (i % 11 === 0) m.delete(i - 5);
    }
    m.release(9996);
    m.set(10_000, 10_000);
    // Kept and not deleted since: multiples of 7 that are not multiples of 3 (nor deleted as i - 5);
    // then the three newest others, in insertion order.
    const kept = [...m.keys()].filter((k) => m.isKept(k));
    expect(kept.every((k) => k % 7 === 0 && k % 3 !== 0)).toBe(true);
    expect([...m.keys()].filter((k) => !m.isKept(k))).toEqual([9997, 9998, 10_000]);
  });
});

describe('detached', () => {
  it('returns an equal string (and null as null)', () => {
    const line = `Job request 1234 for plan ${'x'.repeat(200)} job 0f3c2e4a-1b2c-4d5e-8f90-a1b2c3d4e5f6 received.`;
    const id = line.slice(line.indexOf(' job ') + 5, line.lastIndexOf(' received'));
    expect(detached(id)).toBe('0f3c2e4a-1b2c-4d5e-8f90-a1b2c3d4e5f6');
    expect(detached(null)).toBeNull();
  });
});
