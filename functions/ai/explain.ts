import { operationRoute } from './_lib/operation'

/** POST /ai/explain: see OPERATIONS.explain in lib/ai/operations.ts for its input, prompt and answer. */
export default operationRoute('/ai/explain', 'explain')
