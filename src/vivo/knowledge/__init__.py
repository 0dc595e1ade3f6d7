"""vivo.knowledge"""
