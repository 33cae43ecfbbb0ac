import { chordModelProperty } from './chord-model.ts'
import { describeProperty } from './support/vitest.ts'

describeProperty(chordModelProperty)
