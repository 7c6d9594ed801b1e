import create from '../../functions/frontend/index'
import { workerEntry } from '../worker'

export default workerEntry('frontend', create)
