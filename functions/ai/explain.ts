import { operationRoute } from './operation'

/** POST /ai/explain: see OPERATIONS.explain in lib/ai/operations.ts for its input, prompt and answer. */
export default operationRoute('explain')
