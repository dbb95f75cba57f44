"""The 方案模拟 editor: working scenario, map, edits, optimiser panel."""
