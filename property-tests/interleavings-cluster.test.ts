import { interleavingsOnClusterProperty } from './interleavings.ts'
import { describeProperty } from './support/vitest.ts'

describeProperty(interleavingsOnClusterProperty)
