"""Mean-Scale Hyperprior (Minnen, Ballé, Toderici 2018; paper Appendix A) with
tensorflow-compression."""
