/** Content that cannot become a document (its own module: the importer loads lazily). */
export class ImportError extends Error {
  override name = 'ImportError'
}
