import create from '../../functions/backend/index'
import { workerEntry } from '../worker'

export default workerEntry('backend', create)
