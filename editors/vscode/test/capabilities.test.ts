import assert from 'node:assert/strict';
import {test} from 'node:test';

import {FlintCapabilitiesFeature, withFlintCapabilities} from '../src/capabilities';

test(
    'the client declares experimental.flint.editSessions and jobReview, and keeps other experimental keys', () => {
      const caps = withFlintCapabilities({experimental: {other: 1}});
      assert.deepEqual(caps.experimental, {other: 1, flint: {editSessions: true, jobReview: true}});
      const fresh = {};
      new FlintCapabilitiesFeature().fillClientCapabilities(fresh);
      assert.deepEqual(fresh, {experimental: {flint: {editSessions: true, jobReview: true}}});
    });
