import { parallelWorkersProperty } from './parallel-workers.ts'
import { describeProperty } from './support/vitest.ts'

describeProperty(parallelWorkersProperty)
