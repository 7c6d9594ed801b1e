type Cache<K, V> = { get(key: K): V | undefined; set(key: K, value: V): unknown }

/** The value kept in `cache` under `key`, made by `make` the first time it is asked for. */
export function cached<K, V>(cache: Cache<K, V>, key: K, make: () => V): V {
  let value = cache.get(key)
  if (value === undefined) cache.set(key, (value = make()))
  return value
}
