/* SPDX-License-Identifier: MIT */
/* events-codex.c: the codex adapter's run() over the input as a session
 * file, with a fresh context each time, as agent-events would run it. */
#include "agents/agent.h"
#include "agents/events.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	return fuzz_adapter(&agent_codex, data, n);
}
