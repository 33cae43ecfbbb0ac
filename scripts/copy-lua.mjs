// tsc does not copy the Lua scripts the backend loads at run time; the build puts them beside the JS.
import { cpSync } from 'node:fs'

cpSync('src/backend/lua', 'dist/backend/lua', { recursive: true })
