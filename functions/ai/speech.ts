import { operationRoute } from './_lib/operation'

/** POST /ai/speech: see OPERATIONS.speech in lib/ai/operations.ts for its input, prompt and answer. */
export default operationRoute('/ai/speech', 'speech')
