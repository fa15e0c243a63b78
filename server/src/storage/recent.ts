/** Values by key, the most recently used `size` of them. */
export class Recent<T> {
  readonly #size: number
  readonly #values = new Map<string, T>()

  constructor(size: number) {
    this.#size = size
  }

  get(key: string): T | undefined {
    return this.#values.get(key)
  }

  remember(key: string, value: T): void {
    this.#values.delete(key)
    this.#values.set(key, value)
    if (this.#values.size > this.#size) this.#values.delete(this.#values.keys().next().value!)
  }

  forget(key: string): void {
    this.#values.delete(key)
  }
}
