import { describe, expect, it } from 'vitest'
import { CloseCode, ErrorCode, isPermanentClose } from '@quire/shared'
import { Errors, QuireError } from '../../src/errors.js'

describe('the error catalogue', () => {
  const entries = Object.entries(Errors)

  it('gives every error a client status, a code and a sentence', () => {
    for (const [name, make] of entries) {
      const error = make()
      expect(error, name).toBeInstanceOf(QuireError)
      expect(error.statusCode).toBe(make.statusCode)
      expect(error.code).toMatch(/^[a-z_]+$/)
      expect(error.message).toMatch(/^[A-Z].*\.$/)
      expect(error.toJSON()).toEqual({ error: error.code, message: error.message })
    }
  })

  it('uses each code of the shared catalogue once, and every one of them', () => {
    const codes = entries.map(([, make]) => make.code)
    expect(new Set(codes).size).toBe(codes.length)
    expect([...codes].sort()).toEqual(Object.values(ErrorCode).sort())
  })

  it('keeps a detail message with the same code', () => {
    expect(Errors.badRequest('title is too long').toJSON()).toEqual({ error: 'bad_request', message: 'title is too long' })
  })
})

describe('close codes', () => {
  it('use 44xx exactly for the conditions a retry cannot mend', () => {
    const permanent = Object.entries(CloseCode)
      .filter(([, code]) => isPermanentClose(code))
      .map(([name]) => name)
    expect(permanent.sort()).toEqual(['documentDeleted', 'documentTooLarge', 'keyRevoked', 'tooManySockets'])
  })
})
