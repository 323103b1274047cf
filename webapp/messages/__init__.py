"""相互連絡: one thread of messages per application, between the job-seeker and the 事業所."""
