import { operationRoute } from './_lib/operation'

/** POST /ai/image: see OPERATIONS.image in lib/ai/operations.ts for its input, prompt and answer. */
export default operationRoute('/ai/image', 'image')
