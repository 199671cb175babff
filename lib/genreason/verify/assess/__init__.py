"""Assessing judges (not judging): metrics against labels, comparison of two judges, the probe."""
