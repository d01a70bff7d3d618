/* SPDX-License-Identifier: MIT */
/* events-gemini.c: the gemini adapter's run() over the input as a session
 * file, with a fresh context each time, as agent-events would run it. */
#include "agents/agent.h"
#include "agents/events.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	return fuzz_adapter(&agent_gemini, data, n);
}
