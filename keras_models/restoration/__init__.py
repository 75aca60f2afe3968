"""Image restoration models: the adversarial FineNet restorer (Katakol et al. 2021,
Appendix B, after Akbari et al. and pix2pixHD) and the RDN baseline (Zhang et al., Appendix C)."""
