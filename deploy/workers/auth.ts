import create from '../../functions/auth/index'
import { workerEntry } from '../worker'

export default workerEntry('auth', create)
