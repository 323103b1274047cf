"""応募: online applications (オンライン自主応募), their documents, states and timeline."""
