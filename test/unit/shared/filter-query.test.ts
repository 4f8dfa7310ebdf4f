/** The structured runs filter's parser (issue 18 item 13). */
import { describe, expect, it } from 'vitest'
import { filterKeys, FilterSyntaxError, looksLikeQuery, parseFilter } from '../../../src-shared/filter-query'

describe('parseFilter', () => {
  it('reads comparisons, lists and percentages', () => {
    expect(parseFilter('test.accuracy > 0.97')).toEqual({ kind: 'compare', key: 'test.accuracy', op: '>', value: 0.97 })
    expect(parseFilter('test.accuracy>=97%')).toEqual({ kind: 'compare', key: 'test.accuracy', op: '>=', value: 0.97 })
    expect(parseFilter('method.criterion in taylor,l1')).toEqual({ kind: 'in', key: 'method.criterion', values: ['taylor', 'l1'], negate: false })
    expect(parseFilter('seed not in (0, 2)')).toEqual({ kind: 'in', key: 'seed', values: [0, 2], negate: true })
    expect(parseFilter("label ~ 'student alone'")).toEqual({ kind: 'compare', key: 'label', op: '~', value: 'student alone' })
    expect(parseFilter('method.baseline == true')).toEqual({ kind: 'compare', key: 'method.baseline', op: '=', value: true })
    expect(parseFilter('teacher != lenet5-2-4')).toEqual({ kind: 'compare', key: 'teacher', op: '!=', value: 'lenet5-2-4' })
    expect(parseFilter('training.learningRate <= 1e-3')).toEqual({ kind: 'compare', key: 'training.learningRate', op: '<=', value: 0.001 })
  })

  it('binds and tighter than or; parentheses and not group', () => {
    const q = parseFilter('status = finished AND seed = 0 or not (tag = keep or seed > 1)')
    expect(q).toEqual({
      kind: 'or',
      parts: [
        { kind: 'and', parts: [{ kind: 'compare', key: 'status', op: '=', value: 'finished' }, { kind: 'compare', key: 'seed', op: '=', value: 0 }] },
        { kind: 'not', part: { kind: 'or', parts: [{ kind: 'compare', key: 'tag', op: '=', value: 'keep' }, { kind: 'compare', key: 'seed', op: '>', value: 1 }] } },
      ],
    })
    expect(filterKeys(q)).toEqual(['status', 'seed', 'tag'])
  })

  it('says what is wrong and where', () => {
    const error = (text: string): [string, number] => {
      try {
        parseFilter(text)
      } catch (e) {
        if (e instanceof FilterSyntaxError) return [e.message, e.at]
        throw e
      }
      throw new Error(`'${text}' parsed`)
    }
    expect(error('test.accuracy >')).toEqual(["expected a value after 'test.accuracy >' at the end", 15])
    expect(error('test.accuracy 0.9')).toEqual(["expected an operator (= != > >= < <= ~ in) after 'test.accuracy' at '0.9' (character 15)", 14])
    expect(error('seed = 1 seed = 2')).toEqual(["expected 'and', 'or' or the end at 'seed' (character 10)", 9])
    expect(error('(seed = 1')).toEqual(["expected ')' at the end", 9])
    expect(error('> 3')).toEqual(["expected a parameter, result or field name at '>' (character 1)", 0])
    expect(error("label = 'open")).toEqual(['the quote opened at character 9 is not closed', 8])
    expect(error('seed not 3')[0]).toBe("expected 'in' after 'seed not' at '3' (character 10)")
    expect(error('seed = and')[0]).toBe("expected a value after 'seed =' at 'and' (character 8)")
    expect(error(`${'('.repeat(40)}seed = 1${')'.repeat(40)}`)[0]).toBe("more than 32 nested 'not' or parentheses at '(' (character 33)")
    expect(parseFilter(`${'not '.repeat(32)}seed = 1`).kind).toBe('not')
  })
})

describe('looksLikeQuery', () => {
  it('tells a query from words to look for', () => {
    for (const q of ['test.accuracy > 0.97', 'method.criterion in taylor,l1', 'seed!=0', 'label ~ alone']) expect(looksLikeQuery(q), q).toBe(true)
    for (const q of ['seed 3', 'sweep-42', 'keep', 'student alone', 'in']) expect(looksLikeQuery(q), q).toBe(false)
  })
})
