import { describe, expect, it } from 'vitest'
import { distinctColor } from '../src/collab/distinct-color.js'
import { IDENTITY_COLORS } from '../src/collab/identity.js'

const BLUE = '#2d6cb5'
const me = { name: 'Ada', color: BLUE }

describe('a colour apart from the others here', () => {
  it('keeps a colour nobody else has', () => {
    expect(distinctColor(me, 5, [{ clientId: 1, color: '#4a7a1c', chosen: false }])).toBeUndefined()
  })

  it('gives way, with a colour nobody here has, to someone with the same colour and a lower client id', () => {
    const others = [
      { clientId: 1, color: BLUE, chosen: false },
      { clientId: 2, color: '#2f6f5e', chosen: false },
    ]
    const next = distinctColor(me, 5, others)
    expect(next).toBeDefined()
    expect([BLUE, '#2f6f5e']).not.toContain(next)
    expect(IDENTITY_COLORS.map(({ value }) => value)).toContain(next)
    // The one with the lower id keeps it: both sides agree on who moves.
    expect(distinctColor(me, 1, [{ clientId: 5, color: BLUE, chosen: false }])).toBeUndefined()
  })

  it('leaves a picked colour alone, and gives way to a picked one', () => {
    expect(distinctColor({ ...me, colorChosen: true }, 5, [{ clientId: 1, color: BLUE, chosen: false }])).toBeUndefined()
    expect(distinctColor(me, 1, [{ clientId: 5, color: BLUE, chosen: true }])).toBeDefined()
  })

  it('keeps its colour when every colour is taken', () => {
    const everyone = IDENTITY_COLORS.map(({ value }, i) => ({ clientId: i, color: value, chosen: false }))
    expect(distinctColor(me, 99, everyone)).toBeUndefined()
  })
})
