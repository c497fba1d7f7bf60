"""Applications: the joint application of an organisation to a round (issue: joint application)."""
