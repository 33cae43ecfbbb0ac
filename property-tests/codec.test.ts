import { celeryDocumentsProperty, codecRoundTripProperty, malformedDocumentsProperty } from './codec.ts'
import { describeProperty } from './support/vitest.ts'

describeProperty(codecRoundTripProperty)
describeProperty(celeryDocumentsProperty)
describeProperty(malformedDocumentsProperty)
