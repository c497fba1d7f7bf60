"""Writes of the office's casework, by topic: `assessments` (scores, awards, asking for more
information), `decisions` (propose; approve and send through `workflow.DECISION`), `appeals`,
and `board` (accepting the allocation suggestion)."""
