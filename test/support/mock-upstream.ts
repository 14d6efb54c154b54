// Faithful OpenAI-compatible upstream for integration tests, benchmarks and e2e runs.
// The implementation lives in ./mock-upstream/; this file is the stable import path.
export { startMockUpstream } from './mock-upstream/server.js';
export { mockEmbedding, EMBEDDING_DIMS } from './mock-upstream/embeddings.js';
export type { MockFault, MockReply, MockUpstream, MockUpstreamOptions, RecordedCall } from './mock-upstream/types.js';
