import create from '../../functions/ai/index'
import { workerEntry } from '../worker'

export default workerEntry('ai', create)
