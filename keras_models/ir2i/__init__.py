"""The progressive inpainting codec of Baig, Koltun & Torresani 2017 (IR2I): the residual encoder,
R2I with prediction, full or decoding connections, and the partial-context inpainting network."""
