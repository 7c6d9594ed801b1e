// Preloaded into the role processes tests start (test/role-process.ts, test/spawn-role.ts): when the test
// process that started one dies without stopping it (a killed vitest, a hook that threw), it exits too instead
// of keeping its port and CPU until someone kills it by hand.
const startedBy = process.ppid
setInterval(() => {
  if (process.ppid !== startedBy) process.exit(1)
}, 1000).unref()
