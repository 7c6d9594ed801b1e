import create from '../../functions/credit/index'
import { workerEntry } from '../worker'

export default workerEntry('credit', create)
