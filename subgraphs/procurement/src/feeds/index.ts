// The procurement subgraph's feeds (DESIGN.md §7 "Feeds"), declared in its defineSubgraph: `npm run feed
// -- procurement <kind> <file>` and POST /feeds/procurement/<kind> run them through runFeed. See the README, "Procurement — Feeds".
import type { FeedKind } from '#platform/feed/types.js';
import { agreementsFeed } from './agreements.js';
import { ocdsFeed } from './ocds.js';
import { ordersFeed } from './orders.js';
import { sanctionsFeed } from './sanctions.js';
import { withFlags } from './flags.js';

/** Each keeps the red flags of what it touched current (flags.ts). */
export const procurementFeeds: FeedKind[] = [ocdsFeed, ordersFeed, agreementsFeed, sanctionsFeed].map(withFlags);
