import create from '../../functions/credit/index'
import { sweep } from '../../lib/credit/sweeper'
import { workerEntry } from '../worker'

// Holds past their expiry are swept on the cron trigger of wrangler.toml (every minute, workerd's finest).
export default workerEntry('credit', create, sweep)
