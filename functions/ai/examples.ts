import { operationRoute } from './_lib/operation'

/** POST /ai/examples: see OPERATIONS.examples in lib/ai/operations.ts for its input, prompt and answer. */
export default operationRoute('/ai/examples', 'examples')
