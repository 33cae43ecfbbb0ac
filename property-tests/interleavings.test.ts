import { interleavingsProperty } from './interleavings.ts'
import { describeProperty } from './support/vitest.ts'

describeProperty(interleavingsProperty)
