import { operationRoute } from './_lib/operation'

/** POST /ai/translate: see OPERATIONS.translate in lib/ai/operations.ts for its input, prompt and answer. */
export default operationRoute('/ai/translate', 'translate')
