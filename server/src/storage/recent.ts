/** Values by key, the most recently used `size` of them. */
export class Recent<T> {
  readonly #size: number
  readonly #values = new Map<string, T>()

  constructor(size: number) {
    this.#size = size
  }

  /** The value of `key`, which counts as a use: it goes last in line to be dropped. */
  get(key: string): T | undefined {
    const value = this.#values.get(key)
    if (value !== undefined) {
      this.#values.delete(key)
      this.#values.set(key, value)
    }
    return value
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
