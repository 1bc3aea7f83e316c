import assert from 'node:assert/strict';
import {test} from 'node:test';

import type {Range} from '../src/protocol';
import {endOfInsertedText, rebaseRange, rebaseRangeThrough} from '../src/regions';

const r = (sl: number, sc: number, el: number, ec: number): Range => ({
  start: {line: sl, character: sc},
  end: {line: el, character: ec},
});
const region = r(10, 0, 14, 0);

test('inserted text ends after its last line', () => {
  assert.deepEqual(endOfInsertedText({line: 3, character: 4}, 'ab'), {line: 3, character: 6});
  assert.deepEqual(endOfInsertedText({line: 3, character: 4}, 'ab\ncde'), {line: 4, character: 3});
  assert.deepEqual(endOfInsertedText({line: 3, character: 4}, 'x\r\n'), {line: 4, character: 0});
});

test('lines inserted above the region move it down', () => {
  assert.deepEqual(rebaseRange(region, {range: r(2, 0, 2, 0), text: 'a\nb\n'}), r(12, 0, 16, 0));
});

test('lines deleted above the region move it up', () => {
  assert.deepEqual(rebaseRange(region, {range: r(2, 0, 5, 0), text: ''}), r(7, 0, 11, 0));
});

test('a change after the region leaves it alone', () => {
  assert.deepEqual(rebaseRange(region, {range: r(20, 0, 22, 3), text: 'zzz'}), region);
});

test('streamed edits inside the region grow and shrink its end', () => {
  const grown = rebaseRange(region, {range: r(11, 0, 12, 0), text: 'one\ntwo\nthree\n'});
  assert.deepEqual(grown, r(10, 0, 16, 0));
  const shrunk = rebaseRange(grown, {range: r(10, 0, 13, 0), text: ''});
  assert.deepEqual(shrunk, r(10, 0, 13, 0));
});

test('an insertion at the region start belongs to the region', () => {
  assert.deepEqual(rebaseRange(region, {range: r(10, 0, 10, 0), text: '# new\n'}), r(10, 0, 15, 0));
});

test('lines appended at the region end extend it', () => {
  assert.deepEqual(rebaseRange(region, {range: r(14, 0, 14, 0), text: 'tail\n'}), r(10, 0, 15, 0));
});

test('a same-line change before the start shifts its column', () => {
  const inline = r(3, 10, 3, 20);
  assert.deepEqual(rebaseRange(inline, {range: r(3, 2, 3, 4), text: 'abcd'}), r(3, 12, 3, 22));
});

test('a deletion that straddles the start pulls the start back', () => {
  assert.deepEqual(rebaseRange(region, {range: r(8, 0, 11, 0), text: ''}), r(8, 0, 11, 0));
});

test('a deletion that runs past the end clamps the end to the change', () => {
  assert.deepEqual(rebaseRange(region, {range: r(12, 0, 20, 0), text: 'x'}), r(10, 0, 12, 1));
});

test('several changes of one event apply in order', () => {
  const changes = [
    {range: r(12, 0, 12, 0), text: 'a\n'},
    {range: r(1, 0, 1, 0), text: 'b\n'},
  ];
  assert.deepEqual(rebaseRangeThrough(region, changes), r(11, 0, 16, 0));
});
